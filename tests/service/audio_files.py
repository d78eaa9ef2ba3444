"""Small real audio files for tests that look inside files (duration, tags, content)."""

from __future__ import annotations

import wave
from pathlib import Path

from mutagen.id3 import TIT2, TPE1
from mutagen.wave import WAVE


def write_wav(
    path: Path, *, seconds: float = 1.0, title: str | None = None, artist: str | None = None, tone: int = 0
) -> Path:
    """A mono 8 kHz WAV of ``seconds`` whose samples depend on ``tone`` (same size, other content), with
    ID3 title and artist tags when given."""
    path.parent.mkdir(parents=True, exist_ok=True)
    frames = int(8000 * seconds)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(8000)
        out.writeframes(bytes((i * (tone + 1)) % 256 for i in range(frames)))
    if title or artist:
        audio = WAVE(path)
        audio.add_tags()
        assert audio.tags is not None
        if title:
            audio.tags.add(TIT2(encoding=3, text=title))
        if artist:
            audio.tags.add(TPE1(encoding=3, text=artist))
        audio.save()
    return path
