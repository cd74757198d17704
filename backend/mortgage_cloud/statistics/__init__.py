"""Registry statistics: application volume, outcomes, rule codes and the time each pipeline step takes."""
