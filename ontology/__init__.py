"""The longarm ontology (OWL 2), its SHACL shapes and the Python namespace module."""
