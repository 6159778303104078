"""std::mt19937_64 in Python, so the replica draws the same validation split and epoch shuffles as vgsales
(src/data/row_split.cpp, src/model/trainer.cpp). Parameters from the C++ standard, [rand.predef]."""
import numpy as np

_MASK = (1 << 64) - 1
_N, _M = 312, 156
_MATRIX_A = 0xB5026F5AA96619E9
_UPPER, _LOWER = 0xFFFFFFFF80000000, 0x7FFFFFFF


class MT19937_64:
    def __init__(self, seed=5489):
        self.state = [0] * _N
        self.state[0] = seed & _MASK
        for i in range(1, _N):
            previous = self.state[i - 1]
            self.state[i] = (6364136223846793005 * (previous ^ (previous >> 62)) + i) & _MASK
        self.index = _N

    def _twist(self):
        # Vectorised with numpy in the three ranges where the recurrence only reads values already final.
        s = np.array(self.state, dtype=np.uint64)
        a = np.uint64(_MATRIX_A)
        for lo, hi in ((0, _N - _M), (_N - _M, _N - 1)):
            y = (s[lo:hi] & np.uint64(_UPPER)) | (s[lo + 1:hi + 1] & np.uint64(_LOWER))
            source = s[lo + _M:hi + _M] if hi + _M <= _N else None
            if source is None:  # second range reads the already-updated first part
                source = s[lo + _M - _N:hi + _M - _N]
            s[lo:hi] = source ^ (y >> np.uint64(1)) ^ np.where(y & np.uint64(1), a, np.uint64(0))
        y = (s[_N - 1] & np.uint64(_UPPER)) | (s[0] & np.uint64(_LOWER))
        s[_N - 1] = s[_M - 1] ^ (y >> np.uint64(1)) ^ (a if int(y) & 1 else np.uint64(0))
        self.state = [int(v) for v in s]
        self.index = 0

    def __call__(self):
        if self.index >= _N:
            self._twist()
        x = self.state[self.index]
        self.index += 1
        x ^= (x >> 29) & 0x5555555555555555
        x ^= (x << 17) & 0x71D67FFFEDA60000
        x ^= (x << 37) & 0xFFF7EEE000000000
        x ^= x >> 43
        return x & _MASK


def fisher_yates(values, generator):
    """The loop vgsales uses (explicit, so portable): for i = n..2, swap(values[i-1], values[gen() % i])."""
    for i in range(len(values), 1, -1):
        j = generator() % i
        values[i - 1], values[j] = values[j], values[i - 1]
    return values


if __name__ == "__main__":
    g = MT19937_64()
    for _ in range(9999):
        g()
    value = g()
    assert value == 9981545732273789042, value  # the standard's check value for the 10000th draw
    print("mt19937_64 ok")
