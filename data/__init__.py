"""The bundled, sourced dataset (Turtle, one file per theme)."""
