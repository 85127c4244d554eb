"""The checks, one module per exercise set: ``grader/<assignment>/<set>.py``."""
