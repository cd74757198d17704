"""The bank officers' H5 console: password login, sessions and the console API under `/console/v1`."""
