"""Audio cues and spoken announcements, behind one small interface.

    backend = choose_backend(sound=settings.sound, ring=app.bell)   # in a thread
    voice, note = choose_voice(settings.voice, settings.speech_rate, paths.cache_dir() / "voice")
    cues = CuePlayer(backend, routine, voice=voice, volume=settings.volume)
    session.subscribe(cues.on_event)

`choose_backend` is in `backends`, `choose_voice` in `voice`, `CuePlayer` in `cue_player`.
Nothing here imports Textual or touches a device at import time, and this file imports
nothing, so that loading one of its modules does not load the others.
"""
