"""The only Streamlit-aware code besides pages/: caching at the boundary, banners, shared widgets."""
