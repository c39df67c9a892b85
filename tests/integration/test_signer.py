"""The tests' own signer agrees with the official SDK's vectors."""

import json
import os
import unittest

import harness
import hwsign


class SignerVectors(unittest.TestCase):
    def test_vectors(self):
        with open(os.path.join(harness.SHARED, "signing", "vectors.json")) as f:
            cases = json.load(f)["cases"]
        self.assertGreater(len(cases), 0)
        for c in cases:
            with self.subTest(c["name"]):
                h, dbg = hwsign.sign(c["method"], c["url"], c["headers"], c["body"],
                                     c["ak"], c["sk"], c["sdk_date"])
                self.assertEqual(dbg["canonical_request"], c["expected"]["canonical_request"])
                self.assertEqual(h["Authorization"], c["expected"]["authorization"])
                self.assertEqual(h["Host"], c["expected"]["host"])


if __name__ == "__main__":
    unittest.main()
