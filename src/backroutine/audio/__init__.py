"""Audio cues and spoken announcements, behind one small interface.

    backend = choose_backend(sound=settings.sound, ring=app.bell)   # in a thread
    voice, note = choose_voice(settings.voice, settings.speech_rate, paths.cache_dir() / "voice")
    cues = CuePlayer(backend, routine, voice=voice, volume=settings.volume)
    session.subscribe(cues.on_event)

Nothing here imports Textual or touches a device at import time.
"""

from __future__ import annotations

from backroutine.audio.backends import AudioBackend, choose_backend
from backroutine.audio.cue_player import CuePlayer
from backroutine.audio.sound import Cue, Sound
from backroutine.audio.voice import SpeechEngine, Voice, choose_voice, find_speech_engine

__all__ = [
    "AudioBackend",
    "Cue",
    "CuePlayer",
    "Sound",
    "SpeechEngine",
    "Voice",
    "choose_backend",
    "choose_voice",
    "find_speech_engine",
]
