"""An independent IAM/STS client (boto3) for the key-rotation tests against moto.

    iam_tool.py bootstrap URL            -> "AK SK" of an admin user (moto's first unverified calls)
    iam_tool.py user URL AK SK NAME      -> "AK SK" of a new user NAME with full rights
    iam_tool.py create-key URL AK SK NAME -> "AK SK" of one more key for user NAME
    iam_tool.py list URL AK SK NAME      -> JSON [[id, status], ...] of NAME's keys
    iam_tool.py whoami URL AK SK         -> the caller's ARN, or "ERROR <code>"
"""
import json
import sys

import boto3
import botocore.exceptions

POLICY = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'


def client(service, url, ak="AKIDBOOTSTRAP0000000", sk="bootstrap"):
    return boto3.client(
        service,
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id=ak,
        aws_secret_access_key=sk,
    )


def new_user(iam, name):
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="all", PolicyDocument=POLICY)
    k = iam.create_access_key(UserName=name)["AccessKey"]
    return f"{k['AccessKeyId']} {k['SecretAccessKey']}"


def main(argv):
    cmd, url = argv[1], argv[2]
    if cmd == "bootstrap":
        print(new_user(client("iam", url), "admin"))
    elif cmd == "user":
        print(new_user(client("iam", url, argv[3], argv[4]), argv[5]))
    elif cmd == "create-key":
        k = client("iam", url, argv[3], argv[4]).create_access_key(UserName=argv[5])["AccessKey"]
        print(f"{k['AccessKeyId']} {k['SecretAccessKey']}")
    elif cmd == "list":
        keys = client("iam", url, argv[3], argv[4]).list_access_keys(UserName=argv[5])["AccessKeyMetadata"]
        print(json.dumps([[k["AccessKeyId"], k["Status"]] for k in keys]))
    elif cmd == "whoami":
        try:
            print(client("sts", url, argv[3], argv[4]).get_caller_identity()["Arn"])
        except botocore.exceptions.ClientError as e:
            print("ERROR", e.response["Error"]["Code"])
    else:
        sys.exit(f"unknown command {cmd}")


if __name__ == "__main__":
    main(sys.argv)
