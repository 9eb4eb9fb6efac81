// Points Swagger UI at the API's own description.
window.addEventListener('load', () => {
  window.ui = SwaggerUIBundle({
    url: '/api/v1/docs/swagger.yaml',
    dom_id: '#swagger-ui',
    deepLinking: true,
    persistAuthorization: true,
  });
});
