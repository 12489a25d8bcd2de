"""One reader per input format behind the Reader contract (reader.py), registered in registry.py: a
file becomes ordered text blocks with the layout evidence seen; no reader knows the form's labels."""
