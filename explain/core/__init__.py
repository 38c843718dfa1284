"""The core every chapter shares: loading models, the one analysis pass, decoding, caches, bounds, words, display.

`registry` names the models and `loading` loads them; `analysis` is the one forward pass every page reads;
`generation`, `sampling` and `chat` are the decoding loop; `jobs` runs every long job in the background;
`cache` and `paths` keep results; `limits` holds the bounds and `text_input` cleans what users type;
`i18n` and `display` turn it into words and safe HTML. Leaves out any one chapter's lesson.
"""
