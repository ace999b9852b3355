"""hubsim: multimodal logistics hub simulator for Huai'an Port.

The public API grows with the engine; ``network`` holds the geodata and graph layer.
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
