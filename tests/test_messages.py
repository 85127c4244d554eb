"""The call part of the message grammar (``nndl.messages.call_repr``)."""

from __future__ import annotations

import numpy as np

from nndl.messages import call_repr


def test_call_repr_shows_small_arrays_and_the_edges_of_large_ones():
    assert call_repr("relu", (np.array([-1.0]),), {"alpha": 0.1}) == "relu(array([-1.]), alpha=0.1)"
    big = call_repr("f", (np.arange(20.0),))
    assert big == "f(array([ 0.,  1.,  2., ..., 17., 18., 19.], shape=(20,)))"


def test_call_repr_can_write_large_arrays_by_their_shape_only():
    X = np.zeros((300, 200))
    small = np.array([1.0, 2.0])
    text = call_repr("gen_data", (X, small, 3), {"W": X.astype(np.float32)}, arrays_by_shape=True)
    assert text == ("gen_data(<float64 array of shape (300, 200)>, array([1., 2.]), 3, "
                    "W=<float32 array of shape (300, 200)>)")
