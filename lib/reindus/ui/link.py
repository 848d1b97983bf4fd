"""« Copier le lien »: the address of the current view, with all its state, to the clipboard.

Streamlit has no clipboard API, and the URL changes in the browser without a rerun (bound widgets,
fragments), so a small same-origin iframe reads `window.parent.location.href` when the button is
clicked, writes it to the clipboard and shows it in a text field (the fallback when the browser
refuses the clipboard). The HTML carries no data, only fixed text.
"""

from __future__ import annotations

import streamlit as st

COPY_LINK_HTML = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><style>
  body { margin: 0; font-family: "Source Sans Pro", "Segoe UI", sans-serif; font-size: 15px; }
  button { font: inherit; padding: 6px 12px; border-radius: 8px; border: 1px solid #C9CED6;
           background: #FFFFFF; color: #1B1F24; cursor: pointer; }
  button:hover { border-color: #0072B2; color: #0072B2; }
  input { display: none; width: calc(100% - 12px); margin-top: 6px; font: inherit; padding: 4px; }
  #msg { margin-left: 8px; color: #5A6470; }
</style></head><body>
  <button id="copy" type="button" title="Copie l'adresse de cette vue (filtres, projet, mode)">Copier le lien</button><span id="msg" role="status"></span>
  <input id="url" readonly aria-label="Lien de cette vue">
<script>
(() => {
  const button = document.getElementById("copy"), field = document.getElementById("url"),
        msg = document.getElementById("msg");
  button.onclick = async () => {
    const href = window.parent.location.href;
    field.value = href; field.style.display = "block"; field.select();
    try { await navigator.clipboard.writeText(href); msg.textContent = "Lien copié"; }
    catch (e) {
      let done = false;
      try { done = document.execCommand("copy"); } catch (e2) { done = false; }
      msg.textContent = done ? "Lien copié" : "Copiez le lien ci-dessous";
    }
  };
})();
</script></body></html>
"""


def copy_link_button(container=None) -> None:
    """The button, in `container` (the sidebar by default)."""
    (container or st.sidebar).iframe(COPY_LINK_HTML, height=84)
