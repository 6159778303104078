// Tests of src/serve/rest_router: method and target to the operation, the model it names and the route's label.
#include "serve/rest_router.h"

#include <gtest/gtest.h>

namespace vgsales::serve {
namespace {

const RestRoutes kRoutes{"vgsales", "/health", "/vertex/predict", /*serve_ui=*/true};

TEST(ServeRestRouterTest, TfServingModelPaths) {
  const RestRoute status = route_request("GET", "/v1/models/vgsales", kRoutes);
  EXPECT_EQ(status.operation, RestOperation::model_status);
  EXPECT_EQ(status.label, "status");
  EXPECT_EQ(status.model.name, "vgsales");
  EXPECT_EQ(status.model.version, "");
  const RestRoute metadata = route_request("GET", "/v1/models/other/versions/007/metadata?x=1", kRoutes);
  EXPECT_EQ(metadata.operation, RestOperation::model_metadata);
  EXPECT_EQ(metadata.model.name, "other");
  EXPECT_EQ(metadata.model.version, "007");
  EXPECT_EQ(metadata.path, "/v1/models/other/versions/007/metadata");
  const RestRoute predict = route_request("POST", "/v1/models/vgsales/versions/3:predict", kRoutes);
  EXPECT_EQ(predict.operation, RestOperation::predict);
  EXPECT_EQ(predict.label, "predict");
  EXPECT_EQ(predict.model.version, "3");
}

TEST(ServeRestRouterTest, OtherMethodsAreUnsupportedAndWrongVerbsName) {
  const RestRoute explain = route_request("POST", "/v1/models/vgsales/versions/3:explain", kRoutes);
  EXPECT_EQ(explain.operation, RestOperation::explain);
  EXPECT_EQ(explain.model.version, "3");
  EXPECT_EQ(explain.label, "explain");
  EXPECT_EQ(route_request("GET", "/v1/models/vgsales:explain", kRoutes).operation, RestOperation::wrong_method);
  const RestRoute classify = route_request("POST", "/v1/models/vgsales:classify", kRoutes);
  EXPECT_EQ(classify.operation, RestOperation::unsupported_method);
  EXPECT_EQ(classify.method_name, "classify");
  EXPECT_EQ(classify.label, "other");
  const RestRoute get_predict = route_request("GET", "/v1/models/vgsales:predict", kRoutes);
  EXPECT_EQ(get_predict.operation, RestOperation::wrong_method);
  EXPECT_EQ(get_predict.allowed, "POST");
  EXPECT_EQ(get_predict.label, "predict");
  const RestRoute post_status = route_request("POST", "/v1/models/vgsales", kRoutes);
  EXPECT_EQ(post_status.operation, RestOperation::wrong_method);
  EXPECT_EQ(post_status.allowed, "GET");
}

TEST(ServeRestRouterTest, MalformedModelPathsAreNotFound) {
  for (const char* target : {"/v1/models/", "/v1/models/vgsales/versions/x:predict", "/v1/models/vgsales/versions/",
                             "/v1/models/vgsales/labels/a", "/v1/models/vgsales:", "/v1/model/vgsales", "/nothing"}) {
    const RestRoute route = route_request("GET", target, kRoutes);
    EXPECT_EQ(route.operation, RestOperation::not_found) << target;
    EXPECT_EQ(route.label, "other") << target;
  }
}

TEST(ServeRestRouterTest, VertexMetricsAndThePage) {
  const RestRoute health = route_request("GET", "/health", kRoutes);
  EXPECT_EQ(health.operation, RestOperation::health);
  EXPECT_EQ(health.label, "health");
  const RestRoute vertex = route_request("POST", "/vertex/predict", kRoutes);
  EXPECT_EQ(vertex.operation, RestOperation::predict);
  EXPECT_EQ(vertex.label, "vertex_predict");
  EXPECT_EQ(vertex.model.name, "vgsales");
  EXPECT_EQ(route_request("GET", "/metrics", kRoutes).operation, RestOperation::metrics);
  EXPECT_EQ(route_request("GET", "/ui/app.js", kRoutes).operation, RestOperation::web_page);
  const RestRoute post_page = route_request("POST", "/", kRoutes);
  EXPECT_EQ(post_page.operation, RestOperation::wrong_method);
  EXPECT_EQ(post_page.label, "ui");
  const RestRoutes no_ui{"vgsales", "", "", /*serve_ui=*/false};
  EXPECT_EQ(route_request("GET", "/", no_ui).operation, RestOperation::not_found);
  EXPECT_EQ(route_request("GET", "/health", no_ui).operation, RestOperation::not_found);
}

TEST(ServeRestRouterTest, VertexRoutesWinOverEveryOtherPath) {
  const RestRoutes vertex_everywhere{"m", "/", "/v1/models/m:predict", /*serve_ui=*/true};
  EXPECT_EQ(route_request("GET", "/", vertex_everywhere).operation, RestOperation::health);
  const RestRoute predict = route_request("POST", "/v1/models/m:predict", vertex_everywhere);
  EXPECT_EQ(predict.label, "vertex_predict");
}

}  // namespace
}  // namespace vgsales::serve
