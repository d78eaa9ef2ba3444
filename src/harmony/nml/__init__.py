"""The Traktor NML document: lossless parse, Traktor-style write, typed views and codecs."""
