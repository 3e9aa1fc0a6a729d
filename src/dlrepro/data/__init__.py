"""Data set providers: a local copy, a verified download, or a stand-in, chosen by config."""
