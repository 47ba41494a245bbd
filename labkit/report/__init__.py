"""Run records and the lab report built from the results files."""
