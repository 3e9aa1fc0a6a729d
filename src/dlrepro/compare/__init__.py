"""``dlrepro compare OLD NEW``: what changed between two runs of the pipeline, and whether each
change is larger than its own seed noise."""
