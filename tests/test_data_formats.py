"""IDX and token-file parsers on small files the tests write, the vocabulary, the shipped corpus."""

import gzip
import struct

import numpy as np
import pytest
import torch

from gatedrnn import data
from gatedrnn.data import EOS, UNK, Vocabulary, read_idx, read_tokens, write_idx
from gatedrnn.data._make_corpus import write_corpus


def test_read_idx_of_hand_made_bytes(tmp_path):
    # the MNIST label layout written byte by byte: magic 00 00 08 01, size 3, values
    (tmp_path / "labels").write_bytes(bytes([0, 0, 8, 1]) + struct.pack(">I", 3) + bytes([7, 2, 1]))
    labels = read_idx(tmp_path / "labels")
    assert labels.dtype == np.uint8 and labels.tolist() == [7, 2, 1]
    # images: magic 00 00 08 03, sizes 2 x 2 x 3, gzipped
    values = bytes(range(12))
    raw = bytes([0, 0, 8, 3]) + struct.pack(">3I", 2, 2, 3) + values
    (tmp_path / "images.gz").write_bytes(gzip.compress(raw))
    images = read_idx(tmp_path / "images.gz")
    assert images.shape == (2, 2, 3)
    assert images[1, 0, 2] == 8  # C order
    # big-endian float32
    (tmp_path / "floats").write_bytes(bytes([0, 0, 0x0D, 1]) + struct.pack(">I2f", 2, 1.5, -2.0))
    assert read_idx(tmp_path / "floats").tolist() == [1.5, -2.0]


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64])
@pytest.mark.parametrize("name", ["a.idx", "a.idx.gz"])
def test_idx_round_trip(tmp_path, dtype, name):
    array = (np.arange(24).reshape(2, 3, 4) - 5).astype(dtype)
    back = read_idx(write_idx(tmp_path / name, array))
    assert back.dtype == np.dtype(dtype) and back.shape == array.shape
    np.testing.assert_array_equal(back, array)


def test_idx_errors_say_what_is_wrong(tmp_path):
    (tmp_path / "text").write_bytes(b"hello world")
    with pytest.raises(ValueError, match="not an IDX file"):
        read_idx(tmp_path / "text")
    path = write_idx(tmp_path / "cut", np.zeros((4, 5), np.uint8))
    path.write_bytes(path.read_bytes()[:-3])
    with pytest.raises(ValueError, match=r"needs 20 bytes .* has 17"):
        read_idx(path)
    with pytest.raises(TypeError, match="IDX stores"):
        write_idx(tmp_path / "bool", np.zeros(3, bool))


def test_read_tokens_closes_every_line(tmp_path):
    path = tmp_path / "ptb.txt"
    path.write_text(" the cat sat \n\n a dog  ran\n", encoding="utf-8")
    assert read_tokens(path) == ["the", "cat", "sat", EOS, EOS, "a", "dog", "ran", EOS]
    assert read_tokens(path, eos=None) == ["the", "cat", "sat", "a", "dog", "ran"]


def test_vocabulary_orders_by_frequency_and_maps_unknown_words():
    vocab = Vocabulary("b a b c b a".split())
    assert vocab.itos == ["b", "a", "c", UNK]
    ids = vocab.encode(["a", "zebra", "b"])
    assert ids.dtype == torch.long and ids.tolist() == [1, 3, 0]
    assert vocab.decode(ids) == ["a", UNK, "b"]
    assert len(vocab) == 4 and "c" in vocab and "zebra" not in vocab


def test_shipped_corpus_is_what_the_generator_writes(tmp_path):
    write_corpus(tmp_path)
    files = data.corpus_files()
    assert set(files) == {"train", "valid", "test"}
    words = {}
    for split, path in files.items():
        assert path.read_text(encoding="utf-8") == (tmp_path / f"{split}.txt").read_text()
        words[split] = len(read_tokens(path, eos=None))
    assert 5000 < sum(words.values()) < 15000 and words["train"] > 4 * words["test"]
