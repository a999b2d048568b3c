"""Pages of the examinations: irregularities."""
