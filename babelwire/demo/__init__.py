"""``babelwire demo``: sample French news outlets, polled, translated and served by the reader."""

from babelwire.demo.run import DemoSummary, EngineChoice, choose_engine, run_demo
from babelwire.demo.site import DemoSite

__all__ = ["DemoSite", "DemoSummary", "EngineChoice", "choose_engine", "run_demo"]
