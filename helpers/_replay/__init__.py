"""The machinery behind ``helpers.start()``: not part of the tutorial.

Learners never need to read this. It holds what makes replay and record mode
work: finding the recordings, normalising and scrubbing requests
(:mod:`.scrub`), opening vcrpy cassettes (:mod:`.cassettes`), watching
aiohttp and playing network faults (:mod:`.transport`), the network guard
(:mod:`.netguard`) and keeping g4f's files out of the way (:mod:`.isolation`).
"""
