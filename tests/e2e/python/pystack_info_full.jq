(.python.version | startswith("3.11.")) and .python.frames == true and .python.note == null
