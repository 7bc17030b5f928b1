"""gatedrnn: gated recurrent neural networks and the brain."""

__version__ = "0.1.0"
