"""One adapter per surface: translate platform events to the core's messages and render replies."""
