"""Figures (plotly) and maps (folium): data in, figure out, no Streamlit."""
