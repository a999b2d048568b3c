"""Pages of the examinations: committee."""
