"""Data files: download with checksum into a cache, parse IDX and token files, a shipped corpus.

==========================  =================================================================
``data_dir()``              the cache folder, ``$GATEDRNN_DATA`` or ``~/.cache/gatedrnn``
``download(name, urls, checksum, folder=)``  a verified cached file, fetched if missing or corrupt
``read_idx`` / ``write_idx``  IDX arrays (MNIST's format), gzipped or not
``read_tokens`` / ``tokenize``  words of a text file, ``<eos>`` closing each line
``Vocabulary(tokens)``      word <-> id, ``encode`` / ``decode``
``corpus_files()``          the small corpus shipped in the package (train/valid/test)
``fetch_mnist`` / ``fetch_ptb`` / ``fetch_wikitext2``  the real data sets (need a network once)
==========================  =================================================================

Set ``GATEDRNN_OFFLINE=1`` to skip every download and use the offline fallbacks at once.
"""

from __future__ import annotations

from pathlib import Path

from .cache import (
    ChecksumError,
    DownloadError,
    checksum_matches,
    data_dir,
    download,
    fallback_notice,
    fetch_url,
    file_hash,
    offline,
)
from .formats import EOS, UNK, Vocabulary, read_idx, read_tokens, tokenize, write_idx
from .sources import (
    MNIST_FILES,
    PTB_FILES,
    WIKITEXT2_ARCHIVE,
    WIKITEXT2_MEMBERS,
    RemoteFile,
    fetch_mnist,
    fetch_ptb,
    fetch_wikitext2,
)

CORPUS_DIR = Path(__file__).parent / "corpus"


def corpus_files() -> dict[str, Path]:
    """Paths of the shipped corpus: ``{"train": ..., "valid": ..., "test": ...}``.

    About 10 000 words of plain English sentences generated from templates
    (``gatedrnn/data/_make_corpus.py``), one sentence per line, PTB style.
    """
    return {split: CORPUS_DIR / f"{split}.txt" for split in ("train", "valid", "test")}


__all__ = [
    "CORPUS_DIR",
    "ChecksumError",
    "DownloadError",
    "EOS",
    "MNIST_FILES",
    "PTB_FILES",
    "RemoteFile",
    "UNK",
    "Vocabulary",
    "WIKITEXT2_ARCHIVE",
    "WIKITEXT2_MEMBERS",
    "checksum_matches",
    "corpus_files",
    "data_dir",
    "download",
    "fallback_notice",
    "fetch_mnist",
    "fetch_ptb",
    "fetch_url",
    "fetch_wikitext2",
    "file_hash",
    "offline",
    "read_idx",
    "read_tokens",
    "tokenize",
    "write_idx",
]
