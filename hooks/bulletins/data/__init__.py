"""Data: issues/ read, checked and held as the model (frozen dataclasses); the registries; the parsed files kept per process. Imports only files/."""
