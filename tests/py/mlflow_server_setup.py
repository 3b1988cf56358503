"""Creates a gateway endpoint in an MLflow tracking server through its REST API (MLflow's own
REST store), for gwctl's tests.

usage: mlflow_server_setup.py SERVER_URL PROVIDER_API_BASE ENDPOINT_NAME
(admin credentials in MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD)
"""
import sys

from mlflow.entities.gateway_endpoint import GatewayEndpointModelConfig, GatewayModelLinkageType
from mlflow.tracking._tracking_service.utils import _get_store

server, api_base, name = sys.argv[1:4]
store = _get_store(server)
secret = store.create_gateway_secret(
    secret_name=f"{name}-key", secret_value={"api_key": "fake-provider-key"}, provider="openai",
    auth_config={"api_base": api_base},
)
model = store.create_gateway_model_definition(
    name=f"{name}-model", secret_id=secret.secret_id, provider="openai", model_name="gpt-4o-mini"
)
store.create_gateway_endpoint(
    name=name,
    model_configs=[GatewayEndpointModelConfig(model_definition_id=model.model_definition_id,
                                              linkage_type=GatewayModelLinkageType.PRIMARY)],
)
print(name)
