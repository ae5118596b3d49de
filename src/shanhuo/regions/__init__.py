"""Regions: provinces, prefectures, counties (GB/T 2260), townships and villages; macro-regions."""
