/**
 * The {@code cnn} model family: sequential convolutional and dense networks with quantized
 * residual blocks on images (Jacob et al., CVPR 2018; He et al., CVPR 2016). Its schema
 * ({@code CnnSchema}), its records ({@link io.qat4j.training.family.cnn.CnnModelConfig}, one
 * {@link io.qat4j.training.family.cnn.LayerConfig} per layer type), its shape inference
 * ({@link io.qat4j.training.family.cnn.ShapeInference}) and its network ({@code CnnNetwork}) live
 * here, registered by {@link io.qat4j.training.family.cnn.CnnFamily}.
 */
package io.qat4j.training.family.cnn;
