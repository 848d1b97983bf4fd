"""Regional industry statistics (URSSAF, register counts) and territory comparisons."""
