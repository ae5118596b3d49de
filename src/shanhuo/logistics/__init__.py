"""Rural logistics: county hub -> township station -> village point co-distribution, parcels, tracking, pickup codes, daily routes (PyVRP), cold chain, cost sharing, delivery-time statistics."""
