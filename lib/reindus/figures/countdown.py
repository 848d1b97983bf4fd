"""The hackathon's pitch countdown: a self-contained HTML page (runs in the browser, no rerun per tick).

It carries no data from the store, only numbers, so nothing from users reaches the script.
"""

from __future__ import annotations

PITCH_SECONDS = 3 * 60
WARNING_SECONDS = 30
COLOURS = {"running": "#1B1F24", "warning": "#D55E00", "finished": "#B00020", "paused": "#5A6470"}


def countdown_html(seconds: int = PITCH_SECONDS, warning: int = WARNING_SECONDS) -> str:
    if not (0 < seconds <= 3600 and 0 <= warning < seconds):
        raise ValueError("durée du compte à rebours invalide")
    return (
        _TEMPLATE.replace("__SECONDS__", str(int(seconds)))
        .replace("__WARNING__", str(int(warning)))
        .replace("__RUNNING__", COLOURS["running"])
        .replace("__WARN__", COLOURS["warning"])
        .replace("__DONE__", COLOURS["finished"])
        .replace("__PAUSED__", COLOURS["paused"])
    )


_TEMPLATE = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8">
<style>
  body { margin: 0; font-family: "Source Sans Pro", "Segoe UI", sans-serif; text-align: center; }
  #clock { font-size: 160px; font-weight: 700; line-height: 1.1; font-variant-numeric: tabular-nums;
           color: __RUNNING__; transition: color .3s; }
  #clock.warning { color: __WARN__; }
  #clock.finished { color: __DONE__; }
  #clock.paused { color: __PAUSED__; }
  #state { font-size: 24px; color: #5A6470; min-height: 32px; }
  button { font-size: 24px; padding: 10px 28px; margin: 8px; border-radius: 8px; border: 1px solid #0072B2;
           background: #FFFFFF; color: #0072B2; cursor: pointer; }
  button.primary { background: #0072B2; color: #FFFFFF; }
</style></head>
<body>
  <div id="clock" data-testid="countdown" data-remaining="__SECONDS__" role="timer" aria-live="off">0:00</div>
  <div id="state">Prêt</div>
  <button id="start" class="primary">Démarrer</button>
  <button id="pause">Pause</button>
  <button id="reset">Remettre à zéro</button>
<script>
(() => {
  const total = __SECONDS__, warning = __WARNING__;
  const clock = document.getElementById("clock"), state = document.getElementById("state");
  let remaining = total * 1000, endsAt = null, timer = null;
  const show = () => {
    const s = Math.max(0, Math.ceil(remaining / 1000));
    clock.textContent = Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
    clock.dataset.remaining = s;
    clock.className = s === 0 ? "finished" : (endsAt === null && s < total ? "paused"
                      : (s <= warning ? "warning" : ""));
  };
  const tick = () => {
    remaining = endsAt - Date.now();
    if (remaining <= 0) { remaining = 0; clearInterval(timer); timer = null; endsAt = null;
                          state.textContent = "Temps écoulé"; }
    show();
  };
  document.getElementById("start").onclick = () => {
    if (timer || remaining <= 0) return;
    endsAt = Date.now() + remaining; timer = setInterval(tick, 200); state.textContent = "En cours"; show();
  };
  document.getElementById("pause").onclick = () => {
    if (!timer) return;
    clearInterval(timer); timer = null; remaining = endsAt - Date.now(); endsAt = null;
    state.textContent = "En pause"; show();
  };
  document.getElementById("reset").onclick = () => {
    clearInterval(timer); timer = null; endsAt = null; remaining = total * 1000; state.textContent = "Prêt"; show();
  };
  show();
})();
</script></body></html>
"""
