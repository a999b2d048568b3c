"""Pages of the examinations: results."""
