#!/usr/bin/env python3
"""Generate SHA-256 and HMAC-SHA256 test-vector DATA files (python hashlib/hmac).

Outputs (next to this script):
  sha256/nist_fips180_examples.json   - FIPS 180-4 / NIST CSRC example messages (expected digests
                                         hard-coded from the NIST example documents and asserted here)
  sha256/generated.jsonl              - {"len","pattern","hex"} for len 0..300 and selected large sizes
  hmac/rfc4231_hmac_sha256.json       - RFC 4231 test cases 1-7 (HMAC-SHA-256), asserted here
Patterns (bytes at index i):
  "i%251"  -> (i % 251)          "zero" -> 0x00      "ff" -> 0xff      "a" -> 0x61
"""
import hashlib, hmac, json, os

# Writes into the tests' fixture folder.
HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'Tests', 'AWSCoreTests', 'Fixtures', 'vectors')

def pattern_bytes(name, n):
    if name == 'i%251':
        return bytes(i % 251 for i in range(n))
    if name == 'zero':
        return b'\x00' * n
    if name == 'ff':
        return b'\xff' * n
    if name == 'a':
        return b'a' * n
    raise ValueError(name)

def main():
    os.makedirs(os.path.join(HERE, 'sha256'), exist_ok=True)
    os.makedirs(os.path.join(HERE, 'hmac'), exist_ok=True)

    nist = [
        {'name': 'empty', 'message_ascii': '', 'repeat': 1,
         'hex': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'},
        {'name': 'abc (one block, FIPS 180-4 / NIST SHA256.pdf example 1)', 'message_ascii': 'abc', 'repeat': 1,
         'hex': 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'},
        {'name': '448-bit message (two blocks, NIST SHA256.pdf example 2)',
         'message_ascii': 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', 'repeat': 1,
         'hex': '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1'},
        {'name': 'one million (1,000,000) repetitions of "a" (FIPS 180-2 appendix B.3)', 'message_ascii': 'a',
         'repeat': 1000000,
         'hex': 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0'},
        {'name': '896-bit message (NIST "SHA-256 with 896-bit input" example)',
         'message_ascii': 'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu',
         'repeat': 1,
         'hex': 'cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1'},
    ]
    for v in nist:
        got = hashlib.sha256(v['message_ascii'].encode() * v['repeat']).hexdigest()
        assert got == v['hex'], (v['name'], got)
        v['length_bytes'] = len(v['message_ascii']) * v['repeat']
    with open(os.path.join(HERE, 'sha256', 'nist_fips180_examples.json'), 'w') as f:
        json.dump({'source': 'FIPS 180-4 (NIST, Aug 2015) and NIST CSRC "Examples with Intermediate Values" SHA256.pdf; '
                             'message = message_ascii repeated `repeat` times; all values re-checked with python hashlib',
                   'vectors': nist}, f, indent=1)

    n = 0
    with open(os.path.join(HERE, 'sha256', 'generated.jsonl'), 'w') as f:
        for L in range(0, 301):
            f.write(json.dumps({'len': L, 'pattern': 'i%251', 'hex': hashlib.sha256(pattern_bytes('i%251', L)).hexdigest()}) + '\n'); n += 1
        large = [447, 448, 511, 512, 1000, 1023, 1024, 1025, 4095, 4096, 4097, 8191, 8192, 10240, 65535, 65536, 65537,
                 100000, 262144, 1000000, 1048575, 1048576, 1048577, 16777216]
        for L in large:
            for p in ('i%251', 'zero', 'ff', 'a'):
                f.write(json.dumps({'len': L, 'pattern': p, 'hex': hashlib.sha256(pattern_bytes(p, L)).hexdigest()}) + '\n'); n += 1
        for L in (55, 56, 63, 64, 119, 120):  # padding boundaries with other patterns too
            for p in ('zero', 'ff', 'a'):
                f.write(json.dumps({'len': L, 'pattern': p, 'hex': hashlib.sha256(pattern_bytes(p, L)).hexdigest()}) + '\n'); n += 1
    print('sha256 generated lines:', n)

    # RFC 4231 section 4 (HMAC-SHA-256 column)
    tcs = [
        (1, '0b' * 20, b'Hi There'.hex(), 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7', None),
        (2, b'Jefe'.hex(), b'what do ya want for nothing?'.hex(), '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843', None),
        (3, 'aa' * 20, 'dd' * 50, '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe', None),
        (4, ''.join('%02x' % i for i in range(1, 26)), 'cd' * 50, '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b', None),
        (5, '0c' * 20, b'Test With Truncation'.hex(), 'a3b6167473100ee06e0c796c2955552b', 128),
        (6, 'aa' * 131, b'Test Using Larger Than Block-Size Key - Hash Key First'.hex(), '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54', None),
        (7, 'aa' * 131, b'This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.'.hex(),
         '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2', None),
    ]
    out = []
    for num, key, data, exp, trunc in tcs:
        full = hmac.new(bytes.fromhex(key), bytes.fromhex(data), hashlib.sha256).hexdigest()
        if trunc:
            assert full[:trunc // 4] == exp, num
        else:
            assert full == exp, num
        d = bytes.fromhex(data)
        out.append({'test_case': num, 'key_hex': key, 'key_len': len(key) // 2, 'data_hex': data,
                    'data_ascii': d.decode('ascii') if all(32 <= c < 127 for c in d) else None,
                    'hmac_sha256_hex': full, 'rfc_expected_hex': exp, 'truncated_to_bits': trunc})
    with open(os.path.join(HERE, 'hmac', 'rfc4231_hmac_sha256.json'), 'w') as f:
        json.dump({'source': 'RFC 4231 section 4.2-4.8 (HMAC-SHA-256 results); test case 5 output is truncated to 128 bits in the RFC, '
                             'hmac_sha256_hex holds the full untruncated value computed with python hmac',
                   'vectors': out}, f, indent=1)
    print('hmac vectors:', len(out))

if __name__ == '__main__':
    main()


def signing_keys():
    """SigV4 signing-key derivation vectors (kDate, kRegion, kService, kSigning)."""
    def h(k, m):
        return hmac.new(k, m.encode(), hashlib.sha256).digest()
    cases = [
        # published in the (old) AWS General Reference "Examples of how to derive a signing key"
        ('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', '20120215', 'us-east-1', 'iam',
         'f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d'),
        ('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', '20150830', 'us-east-1', 'service', None),
        ('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', '20150830', 'us-east-1', 'monitoring', None),
        ('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', '20150830', 'eu-west-1', 'monitoring', None),
        ('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', '20150830', 'us-east-1', 'logs', None),
        ('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', '20240229', 'eu-west-1', 'logs', None),
    ]
    out = []
    for secret, date, region, service, expected in cases:
        kd = h(('AWS4' + secret).encode(), date)
        kr = h(kd, region)
        ks = h(kr, service)
        kg = h(ks, 'aws4_request')
        if expected:
            assert kg.hex() == expected
        out.append({'secret_access_key': secret, 'date': date, 'region': region, 'service': service,
                    'kDate_hex': kd.hex(), 'kRegion_hex': kr.hex(), 'kService_hex': ks.hex(),
                    'kSigning_hex': kg.hex(), 'published_kSigning_hex': expected})
    os.makedirs(os.path.join(HERE, 'sigv4_keys'), exist_ok=True)
    with open(os.path.join(HERE, 'sigv4_keys', 'signing_keys.json'), 'w') as f:
        json.dump({'source': 'kSigning = HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service), "aws4_request"); '
                             'first case matches the value AWS published for the iam/20120215 example',
                   'vectors': out}, f, indent=1)
    print('signing-key vectors:', len(out))


signing_keys()
