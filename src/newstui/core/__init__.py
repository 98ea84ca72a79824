"""newstui's core: config, fetching, parsing, storing, rendering and ranking.

Nothing in this package imports Textual; the terminal UI (``newstui.ui``) and the headless CLI are
both thin layers over it.
"""
