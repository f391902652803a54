"""Turn on signature enforcement in a fresh moto server and print credentials.

Usage: moto_setup.py ENDPOINT
Prints two lines: ACCESS_KEY_ID and SECRET_ACCESS_KEY of an IAM user allowed
to do everything. After this, moto answers a wrongly signed request with
403 SignatureDoesNotMatch (see shared/PEERS.md).
"""
import json
import sys
import urllib.request

import boto3

endpoint = sys.argv[1]
iam = boto3.client(
    "iam",
    endpoint_url=endpoint,
    region_name="us-east-1",
    aws_access_key_id="bootstrap",
    aws_secret_access_key="bootstrap",
)
iam.create_user(UserName="metrics-tests")
iam.put_user_policy(
    UserName="metrics-tests",
    PolicyName="everything",
    # moto checks monitoring:PutMetricData, so cloudwatch:* would not do.
    PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    ),
)
key = iam.create_access_key(UserName="metrics-tests")["AccessKey"]
request = urllib.request.Request(
    endpoint + "/moto-api/reset-auth", data=b"0", method="POST", headers={"Content-Type": "text/plain"}
)
urllib.request.urlopen(request).read()
print(key["AccessKeyId"])
print(key["SecretAccessKey"])
