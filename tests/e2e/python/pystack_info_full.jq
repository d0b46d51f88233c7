(.python.version | startswith($out.version)) and .python.frames == true and .python.note == null
