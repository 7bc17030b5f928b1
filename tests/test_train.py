"""The training loop: a few steps lower the loss on each task; seeds, checkpoints, helpers."""

import matplotlib
import pytest
import torch

import gatedrnn
from gatedrnn import tasks, train
from gatedrnn.states import LSTMState

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def offline(tmp_path, monkeypatch):
    monkeypatch.setenv("GATEDRNN_DATA", str(tmp_path / "cache"))
    monkeypatch.setenv("GATEDRNN_OFFLINE", "1")


def _regressor(seed=0, cell=gatedrnn.LSTMCell):
    torch.manual_seed(seed)
    return train.SequenceRegressor(gatedrnn.Recurrent(cell(2, 16)))


ADDING = tasks.AddingProblem(10, num_test=200)


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """Tiny models train fastest on one thread, and leave the other cores to other tests."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def test_adding_problem_loss_falls():
    model = _regressor()
    before = train.evaluate(model, ADDING)["mse"]
    history = train.fit(
        model, ADDING, steps=30, lr=1e-2, batch_size=32, eval_every=15, device="cpu"
    )
    assert history.final("mse") < 0.5 * before
    assert history.step == list(range(1, 31)) and len(history.loss) == 30
    assert history.eval_step == [15, 30] and set(history.metrics) == {"loss", "mse"}


def test_classification_loss_falls():
    digits = tasks.sequential_mnist("row", images=tasks.load_digits())  # (8, N, 8), no download
    torch.manual_seed(0)
    model = train.SequenceClassifier(gatedrnn.Recurrent(gatedrnn.GRUCell(8, 24)), 10)
    before = train.evaluate(model, digits)
    history = train.fit(model, digits, steps=25, lr=1e-2, eval_every=25, device="cpu")
    assert history.final("loss") < before["loss"] - 0.3
    assert history.final("accuracy") > before["accuracy"]
    assert model(digits.x_test[:, :5]).shape == (5, 10)


def test_language_model_loss_falls_with_truncated_bptt():
    corpus = tasks.language_corpus("shipped")
    torch.manual_seed(0)
    model = train.LanguageModel(gatedrnn.Recurrent(gatedrnn.LSTMCell(16, 16)), corpus.vocab_size)
    before = train.evaluate(model, corpus, split="valid")["perplexity"]
    assert before == pytest.approx(corpus.vocab_size, rel=0.2)  # an untrained model guesses
    history = train.fit(
        model, corpus, steps=15, lr=1e-2, batch_size=10, bptt=20, eval_every=15, device="cpu"
    )
    assert history.final("perplexity") < 0.7 * before
    logits, state = model(corpus.test[:12].reshape(6, 2))
    assert logits.shape == (6, 2, corpus.vocab_size) and isinstance(state, LSTMState)


def test_same_seed_same_numbers():
    runs = [
        train.fit(_regressor(1), ADDING, steps=4, seed=3, eval_every=4, device="cpu").loss
        for _ in range(2)
    ]
    assert runs[0] == runs[1]
    other = train.fit(_regressor(1), ADDING, steps=4, seed=4, eval_every=4, device="cpu").loss
    assert other != runs[0]
    g1, g2 = train.seed_everything(7), train.seed_everything(7)
    assert torch.equal(torch.rand(3, generator=g1), torch.rand(3, generator=g2))


def test_clipping_and_cosine_schedule_run():
    history = train.fit(
        _regressor(), ADDING, steps=4, clip=0.1, schedule="cosine", eval_every=2, device="cpu"
    )
    assert history.eval_step == [2, 4]


def test_checkpoint_round_trip_loads_weights_only(tmp_path, monkeypatch):
    model = _regressor()
    history = train.fit(model, ADDING, steps=3, checkpoint=tmp_path / "run.pt", device="cpu")
    calls = []
    load = torch.load

    def spy(*args, **kwargs):
        calls.append(kwargs.get("weights_only"))
        return load(*args, **kwargs)

    monkeypatch.setattr(torch, "load", spy)
    fresh = _regressor(seed=5)
    optimizer = torch.optim.Adam(fresh.parameters())
    restored = train.load_checkpoint(tmp_path / "run.pt", fresh, optimizer=optimizer)
    assert calls == [True]
    assert restored == history
    for a, b in zip(model.state_dict().values(), fresh.state_dict().values(), strict=True):
        assert torch.equal(a, b)
    assert optimizer.state_dict()["state"]  # Adam's moments came back too


def test_init_forget_bias():
    lstm = gatedrnn.LSTMCell(3, 4)
    sub = gatedrnn.SubLSTMCell(3, 4)
    fix = gatedrnn.SubLSTMCell(3, 4, fixed_forget=True)
    gru = gatedrnn.GRUCell(3, 4)
    torch_lstm = torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True)
    for module in (lstm, sub, fix, gru, torch_lstm):
        train.init_forget_bias(module, 1.0)
    for cell in (lstm, sub, gru):  # block 1: f in (i, f, z, o), u in (r, u, n)
        total = cell.bias_ih + cell.bias_hh
        assert torch.equal(total[4:8], torch.ones(4))
        assert not torch.equal(total[:4], torch.ones(4))
    assert torch.equal(fix.forget_logit.data, torch.ones(4))
    for suffix in ("l0", "l1", "l1_reverse"):  # every layer and direction
        total = getattr(torch_lstm, f"bias_ih_{suffix}") + getattr(torch_lstm, f"bias_hh_{suffix}")
        assert torch.equal(total[4:8], torch.ones(4))
    # the forget gate of a fresh LSTM with zero input and state is now σ(1)
    x, state = torch.zeros(1, 3), lstm.init_state(1)
    gates = lstm.bias_ih + lstm.bias_hh
    assert torch.sigmoid(gates[4:8]).allclose(torch.full((4,), 0.7311), atol=1e-4)
    lstm(x, state)


def test_models_accept_torch_runners():
    model = train.SequenceClassifier(torch.nn.GRU(1, 8), 3)
    assert model(torch.randn(7, 4, 1)).shape == (4, 3)
    with pytest.raises(ValueError, match="tie_weights needs"):
        train.LanguageModel(gatedrnn.Recurrent(gatedrnn.LSTMCell(4, 8)), 10, tie_weights=True)


def test_detach_state():
    h = torch.ones(2, 3, requires_grad=True) * 2
    detached = train.detach_state(LSTMState(h, h))
    assert isinstance(detached, LSTMState) and not detached.h.requires_grad
    assert not train.detach_state((h, h))[0].requires_grad
    assert train.detach_state(None) is None


def test_progress_is_quiet_under_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    assert train.show_progress() is False


def test_plot_history_draws_loss_and_metric():
    history = train.fit(_regressor(), ADDING, steps=6, eval_every=2, device="cpu")
    fig = train.plot_history({"LSTM": history, "again": history})
    loss_axis, metric_axis = fig.axes
    assert metric_axis.get_ylabel() == "mse" and len(metric_axis.lines) == 2
    matplotlib.pyplot.close(fig)


def test_errors():
    with pytest.raises(TypeError, match="AddingProblem, a SequenceDataset or a Corpus"):
        train.fit(_regressor(), [1, 2, 3], steps=2, device="cpu")
    with pytest.raises(ValueError, match="steps must be a positive integer"):
        train.fit(_regressor(), ADDING, steps=0)
    with pytest.raises(KeyError, match="no evaluation of 'accuracy'"):
        train.History().final("accuracy")


def test_compare_trains_each_cell_from_the_same_start():
    cells = {"LSTM": gatedrnn.LSTMCell, "subLSTM": gatedrnn.SubLSTMCell}
    task = tasks.AddingProblem(seq_len=5)
    runs = train.compare(
        cells,
        task,
        train.SequenceRegressor,
        input_size=2,
        hidden_size=8,
        steps=4,
        forget_bias={"subLSTM": 3.0},
    )
    assert list(runs) == ["LSTM", "subLSTM"]
    # each run is what fit gives for that model built from the same seed
    torch.manual_seed(0)
    lstm = train.SequenceRegressor(gatedrnn.Recurrent(gatedrnn.LSTMCell(2, 8)))
    train.init_forget_bias(lstm, 1.0)
    alone = train.fit(lstm, task, steps=4, seed=0, progress=False)
    assert runs["LSTM"].loss == alone.loss
    assert runs["LSTM"].loss != runs["subLSTM"].loss
