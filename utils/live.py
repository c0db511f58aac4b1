"""Live figures for the explorers: one matplotlib figure, redrawn by blitting into an image.

A ``LiveFigure`` owns a matplotlib ``Figure`` (not managed by pyplot, so the
inline backend never shows it twice) and an ``ipywidgets.Image`` that shows
it. The static part (axes, ticks, curves that do not move) is drawn once and
kept as a background; an update restores that background, draws only the
artists marked ``animated`` and encodes the pixels as a PNG: a few
milliseconds instead of a full redraw. Call ``invalidate()`` when the static
part changes (new axis limits, new curve), and the next ``refresh()`` draws
everything again.

``Explorer`` is the ``VBox`` every builder in ``utils.widgets`` returns. Its
display bundle holds, besides the live widget, a PNG of the current picture
(``image/png``) and a one-sentence description (``text/plain``), so a stored
notebook shows the picture and its alt text where no kernel runs (on a Git
host) and never a raw ``VBox(...)`` repr.
"""

import base64
import struct
import time
import zlib

import ipywidgets as w
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

__all__ = ["LiveFigure", "Explorer", "png_bytes"]

DPI = 100


def _chunk(tag, data):
    return (struct.pack(">I", len(data)) + tag + data
            + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF))


def png_bytes(rgba, compress_level=1):
    """PNG of an (H, W, 4) uint8 RGBA buffer: no row filter, zlib level 1.

    About 3x faster than Pillow's encoder for a figure (it skips the filter
    search); the file is somewhat larger (tens of kB for a figure).
    """
    rgba = np.asarray(rgba, dtype=np.uint8)
    height, width = rgba.shape[:2]
    rows = np.empty((height, 1 + 4 * width), dtype=np.uint8)
    rows[:, 0] = 0  # filter type "None" for every row
    rows[:, 1:] = rgba.reshape(height, -1)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(memoryview(rows).cast("B"), compress_level))
            + _chunk(b"IEND", b""))


class LiveFigure:
    """A Figure drawn into an ``ipywidgets.Image``, redrawn by blitting its animated artists.

    ``LiveFigure(figsize)`` makes ``self.figure``; add axes and artists to it,
    pass the ones that change to ``animate(...)``, then ``refresh()`` after
    every change. tight=True fixes a tight layout at the first render.
    ``times`` records the seconds each refresh took (the
    benchmark reads it).
    """

    def __init__(self, figsize, dpi=DPI, tight=True):
        self.figure = Figure(figsize=figsize, dpi=dpi)
        FigureCanvasAgg(self.figure)
        self.image = w.Image(format="png", layout=w.Layout(max_width="100%",
                                                            height="auto"))
        self.animated = []
        self.png = b""
        self.full_draws = 0
        self.times = []
        self._background = None
        self._layout_done = not tight

    def animate(self, *artists):
        """Mark artists as changing on every update: they are drawn over the background."""
        for artist in artists:
            artist.set_animated(True)
            if artist not in self.animated:
                self.animated.append(artist)
        return artists[0] if len(artists) == 1 else artists

    def forget(self, *artists):
        """Stop drawing artists that were animated (e.g. before removing them)."""
        self.animated = [a for a in self.animated if all(a is not b for b in artists)]

    def invalidate(self):
        """The static part changed: the next refresh draws the whole figure again."""
        self._background = None

    def layout(self):
        """Fix the layout once (tight, with the texts present now), then keep it."""
        if not self._layout_done:
            for artist in self.animated:  # let the layout see the animated texts too
                artist.set_animated(False)
            self.figure.tight_layout()
            for artist in self.animated:
                artist.set_animated(True)
            self.figure.set_layout_engine("none")
            self._layout_done = True

    def render(self):
        """Draw (blit when possible) and return the PNG bytes of the current picture."""
        self.layout()
        canvas = self.figure.canvas
        if self._background is None:
            canvas.draw()  # animated artists are left out of a full draw
            self._background = canvas.copy_from_bbox(self.figure.bbox)
            self.full_draws += 1
        else:
            canvas.restore_region(self._background)
        for artist in self.animated:
            if artist.get_visible() and artist.figure is not None:
                self.figure.draw_artist(artist)
        self.png = png_bytes(canvas.buffer_rgba())
        return self.png

    def refresh(self):
        """Render and show the picture in ``self.image``; returns the seconds it took."""
        start = time.perf_counter()
        self.image.value = self.render()
        elapsed = time.perf_counter() - start
        self.times.append(elapsed)
        return elapsed


class Explorer(w.VBox):
    """The VBox an explorer returns: controls, its live picture and a one-line readout.

    ``alt`` is the current one-sentence description of the picture (also
    shown in ``readout``); ``live`` the LiveFigure; ``controls`` a dict of
    the controls by name. Displayed, its bundle adds ``image/png`` (the
    current picture) and ``text/plain`` (``alt``) to the widget view.
    ``redraw_times`` lists the seconds each redraw took in the kernel,
    computation included.
    """

    def __init__(self, rows, live, controls=None, **kwargs):
        self.live = live
        self.controls = dict(controls or {})
        self.readout = w.Label(value="", layout=w.Layout(width="auto"))
        self.redraw_times = []
        self.alt = ""
        super().__init__([*rows, live.image, self.readout], **kwargs)

    def set_alt(self, text):
        """Set the one-sentence description (shown under the picture)."""
        self.alt = text
        self.readout.value = text

    def _repr_mimebundle_(self, **kwargs):
        data = super()._repr_mimebundle_(**kwargs) or {}
        if not self.live.png:
            self.live.render()
        data["image/png"] = base64.b64encode(self.live.png).decode("ascii")
        data["text/plain"] = self.alt or "interactive figure"
        return data


def wire(explorer, redraw, controls):
    """Call ``redraw()`` whenever a control's value changes; time it; show errors as text.

    redraw reads the controls' current values itself, so whatever order the
    changes of a burst arrive in, the last picture is that of the last setting.
    """
    def on_change(_=None):
        start = time.perf_counter()
        try:
            redraw()
        except Exception as exc:  # a sentence under the picture beats a silent failure
            explorer.set_alt(f"could not draw this setting: {exc}")
            raise
        finally:
            explorer.redraw_times.append(time.perf_counter() - start)

    for control in controls:
        control.observe(on_change, names="value")
    return on_change
