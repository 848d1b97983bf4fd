"""Facts fixed at build time, one place each: territories, NAF tree, headcount bands, programme."""
