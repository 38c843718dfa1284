"""The core every chapter shares: loading, caches, bounds, words, display."""
