"""Turn on signature enforcement in a fresh moto server and print credentials.

Usage: moto_setup.py ENDPOINT
Prints five lines: ACCESS_KEY_ID and SECRET_ACCESS_KEY of an IAM user allowed
to do everything, then the ACCESS_KEY_ID, SECRET_ACCESS_KEY and SESSION_TOKEN
of a role it assumed (temporary credentials moto verifies, token included).
After this, moto answers a wrongly signed request with 403
SignatureDoesNotMatch (moto enforces signatures once IAM is in use).
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
everything = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
trust = json.dumps({"Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]})
role = iam.create_role(RoleName="metrics-tests-role", AssumeRolePolicyDocument=trust)["Role"]
iam.put_role_policy(RoleName="metrics-tests-role", PolicyName="everything", PolicyDocument=everything)
request = urllib.request.Request(
    endpoint + "/moto-api/reset-auth", data=b"0", method="POST", headers={"Content-Type": "text/plain"}
)
urllib.request.urlopen(request).read()

# Temporary credentials, assumed with the user's (now enforced) keys.
sts = boto3.client("sts", endpoint_url=endpoint, region_name="us-east-1",
                   aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])
session = sts.assume_role(RoleArn=role["Arn"], RoleSessionName="metrics-tests", DurationSeconds=3600)["Credentials"]
print(key["AccessKeyId"])
print(key["SecretAccessKey"])
print(session["AccessKeyId"])
print(session["SecretAccessKey"])
print(session["SessionToken"])
