"""Operations: take plain arguments, flush, never read the request or commit."""
