"""Live rooms: new-farmer anchors, sessions, pinned products, flash deals, coupons, comments, real-time fan-out, burst order intake."""
