//! Document symbols, folding ranges and progress lenses as plain data.
