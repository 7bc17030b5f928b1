"""Language modelling data: PTB / WikiText-2 from files the tests write, batchify, BPTT windows,
and the fallback to the shipped corpus."""

import hashlib
import zipfile

import pytest
import torch

from gatedrnn.data import EOS, RemoteFile, sources
from gatedrnn.tasks import BPTT, batchify, bptt_batches, language_corpus

TEXT = {
    "train": "the cat sat on the mat\n the dog ran\n",
    "valid": "the cat ran\n",
    "test": "a dog sat on the mat\n",
}


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("GATEDRNN_DATA", str(tmp_path / "cache"))
    monkeypatch.delenv("GATEDRNN_OFFLINE", raising=False)


def _remote(path):
    md5 = hashlib.md5(path.read_bytes()).hexdigest()
    return RemoteFile(path.name, (path.as_uri(),), "md5:" + md5)


@pytest.fixture
def tiny_ptb(tmp_path, monkeypatch):
    for split, text in TEXT.items():
        path = tmp_path / f"ptb.{split}.txt"
        path.write_text(text)
        monkeypatch.setitem(sources.PTB_FILES, split, _remote(path))


def test_ptb_tokens_and_vocabulary(tiny_ptb, capsys):
    corpus = language_corpus("ptb")
    assert capsys.readouterr().out == ""
    assert corpus.name == "ptb" and "Penn Treebank" in corpus.source
    words = "the cat sat on the mat <eos> the dog ran <eos>".split()
    assert corpus.vocab.decode(corpus.train) == words
    assert corpus.train.dtype == torch.long and corpus.vocab.itos[0] == "the"
    assert corpus.vocab.decode(corpus.test)[0] == "<unk>"  # "a" is not in the training text


def test_wikitext2_is_read_from_its_zip(tmp_path, monkeypatch):
    archive = tmp_path / "wikitext-2-v1.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for split, member in sources.WIKITEXT2_MEMBERS.items():
            z.writestr(member, " = Heading = \n\n" + TEXT[split])
    monkeypatch.setattr(sources, "WIKITEXT2_ARCHIVE", _remote(archive))
    corpus = language_corpus("wikitext2")
    assert corpus.name == "wikitext2"
    assert corpus.vocab.decode(corpus.valid) == "= Heading = <eos> <eos> the cat ran <eos>".split()


def test_offline_falls_back_to_the_shipped_corpus(monkeypatch, capsys):
    monkeypatch.setenv("GATEDRNN_OFFLINE", "1")
    corpus = language_corpus("ptb")
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "gatedrnn: Penn Treebank was not downloaded (GATEDRNN_OFFLINE is set); "
        "using the small corpus shipped with gatedrnn instead."
    ]
    assert corpus.name == "shipped" and "shipped" in corpus.source
    assert 8000 < len(corpus.train) < 12000 and 100 < corpus.vocab_size < 400
    assert {"the", EOS} <= set(corpus.vocab.itos[:3])  # the most frequent tokens
    with pytest.raises(OSError):
        language_corpus("wikitext2", fallback=False)


def test_batchify_is_time_major_columns():
    columns = batchify(torch.arange(11), 3)
    assert columns.tolist() == [[0, 3, 6], [1, 4, 7], [2, 5, 8]]
    with pytest.raises(ValueError, match=r"one stream of word ids \(N,\)"):
        batchify(torch.zeros(2, 5, dtype=torch.long), 2)


def test_bptt_windows_shift_by_one_word():
    columns = batchify(torch.arange(200), 2)  # (100, 2)
    windows = list(bptt_batches(columns))
    assert [x.shape[0] for x, _ in windows] == [35, 35, 29]  # 99 predictions in all
    for x, y in windows:
        assert x.shape == y.shape and torch.equal(y, x + 1)
    assert BPTT == 35
    first = torch.cat([x for x, _ in windows])
    assert torch.equal(first[:, 1], torch.arange(100, 199))


def test_unknown_corpus_name():
    with pytest.raises(ValueError, match="name must be one of"):
        language_corpus("penn")
